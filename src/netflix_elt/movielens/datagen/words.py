"""Small hand-written word lists from which every synthetic title, name and tag is combined.

Nothing here comes from MovieLens: titles, people and tags are built by combining these words and
invented syllables, so the generated files contain no real catalogue data.
"""

from __future__ import annotations

ADJECTIVES = [
    "Silent", "Crimson", "Hollow", "Distant", "Broken", "Golden", "Restless", "Quiet", "Savage", "Endless",
    "Bitter", "Velvet", "Burning", "Frozen", "Hidden", "Lonely", "Wild", "Midnight", "Electric", "Paper",
    "Iron", "Glass", "Silver", "Scarlet", "Last", "First", "Little", "Lost", "Secret", "Dark", "Bright",
    "Northern", "Southern", "Eastern", "Sudden", "Gentle", "Fallen", "Wicked", "Lucky", "Crooked",
    "Sleeping", "Dancing", "Falling", "Rising", "Forgotten", "Stolen", "Sweet", "Cold", "Blue", "Green",
    "Black", "White", "Red", "Grey", "Long", "Strange", "Perfect", "Final", "Ordinary", "Invisible",
    "Private", "Royal", "Rusty", "Shallow", "Deep", "Heavy", "Tender", "Fierce", "Wandering", "Howling",
    "Whispering", "Sinking", "Shining", "Painted", "Borrowed", "Empty", "Crowded", "Narrow", "Ancient",
    "Modern", "Lazy", "Gilded", "Hungry", "Proud", "Humble", "Brave", "Foolish", "Clever", "Reckless",
    "Faithful", "Tangled", "Twisted", "Sacred", "Haunted", "Hidden", "Amber", "Copper", "Marble", "Winter",
    "Summer", "Autumn", "Spring", "Morning", "Evening", "Neon", "Atomic", "Lunar", "Solar", "Polar",
    "Tropical", "Arctic", "Desert", "Jungle", "Urban", "Rural", "Secondhand", "Homemade", "Handsome",
    "Beautiful", "Ugly", "Dangerous", "Innocent", "Guilty", "Happy", "Sad", "Angry", "Jealous", "Lovely",
    "Mad", "Crazy", "Sober", "Drunk"
]  # fmt: skip

NOUNS = [
    "Harbor", "Ember", "Lantern", "Orchard", "Signal", "River", "Garden", "Station", "Highway", "Kingdom",
    "Mirror", "Shadow", "Voyage", "Island", "Circus", "Engine", "Empire", "Frontier", "Letter", "Promise",
    "Hunter", "Stranger", "Witness", "Sister", "Brother", "Daughter", "Son", "Mother", "Father", "Widow",
    "Soldier", "Sailor", "Pilot", "Doctor", "Detective", "Teacher", "Thief", "King", "Queen", "Prince",
    "Bride", "Ghost", "Monster", "Dragon", "Wolf", "Raven", "Fox", "Horse", "Tiger", "Falcon", "Serpent",
    "Storm", "Thunder", "Rain", "Fire", "Ice", "Stone", "Sand", "Dust", "Smoke", "Ash", "Moon", "Sun",
    "Star", "Sky", "Sea", "Ocean", "Forest", "Mountain", "Valley", "Canyon", "Road", "Bridge", "Tower",
    "Castle", "House", "Hotel", "Motel", "Diner", "Apartment", "Room", "Door", "Window", "Wall", "Street",
    "Avenue", "City", "Town", "Village", "Country", "Night", "Day", "Season", "Year", "Hour", "Heart",
    "Soul", "Mind", "Dream", "Memory", "Lie", "Truth", "Game", "Match", "Race", "War", "Battle", "Peace",
    "Love", "Affair", "Wedding", "Funeral", "Party", "Dance", "Song", "Melody", "Symphony", "Ballad",
    "Story", "Tale", "Legend", "Myth", "Journey", "Escape", "Return", "Revenge", "Rescue", "Mission",
    "Conspiracy", "Code", "Key", "Map", "Compass", "Clock", "Crown", "Sword", "Shield", "Arrow", "Bullet",
    "Knife", "Coin", "Diamond", "Pearl", "Ring", "Necklace", "Mask", "Glove", "Hat", "Coat", "Boots",
    "Train", "Ship", "Boat", "Plane", "Car", "Truck", "Bicycle", "Rocket", "Planet", "Comet", "Galaxy",
    "Machine", "Robot", "Android", "Lighthouse", "Carnival", "Orchestra", "Parade", "Factory", "Prison",
    "Courtroom", "Hospital", "Museum", "Library", "Theater", "Cinema", "Casino", "Ballroom", "Vineyard",
    "Farm", "Ranch", "Mine", "Quarry", "Swamp", "Glacier", "Volcano", "Reef", "Lagoon", "Meadow", "Prairie",
    "Cathedral", "Chapel", "Temple", "Fortress", "Palace", "Cottage", "Cabin", "Tent", "Balcony", "Attic",
    "Cellar", "Garage", "Rooftop", "Alley", "Tunnel", "Subway", "Airport"
]  # fmt: skip

PEOPLE = [
    "Man", "Woman", "Boy", "Girl", "Kid", "Lady", "Gentleman", "Stranger", "Outlaw", "Gambler", "Dreamer",
    "Drifter", "Runaway", "Rebel", "Spy", "Agent", "Killer", "Saint", "Sinner", "Hero", "Villain", "Fool",
    "Genius", "Liar", "Lover", "Friend", "Enemy", "Neighbor", "Captain", "Sheriff", "Judge", "Mayor"
]  # fmt: skip

CONNECTORS = ["of", "in", "at", "on", "from", "under", "beyond", "without", "after", "before"]

ARTICLES = ["The", "A", "An"]
FOREIGN_ARTICLES = ["La", "Le", "Les", "El", "Il", "Der", "Die", "Das", "Den", "O", "Lo", "Los"]

# Syllables for invented names, places and pseudo-foreign words; the second list carries accents.
SYLLABLES = [
    "ka", "ta", "ri", "mo", "le", "sa", "vo", "ne", "li", "ra", "do", "mi", "ta", "be", "ro", "al", "en",
    "or", "is", "ul", "an", "el", "ar", "in", "ow", "ve", "ga", "lu", "pe", "ni", "so", "ma", "ke", "ju",
    "fi", "de", "ha", "wi", "zo", "ba", "cy", "ty", "bro", "gre", "pla", "sta", "cre", "dri", "vel", "mar",
    "tor", "len", "dor", "sel", "ran", "mir", "val", "ost", "ber", "wen"
]  # fmt: skip
ACCENTED_SYLLABLES = [
    "é", "è", "ö", "ü", "å", "ñ", "ç", "ø", "á", "í", "ó", "ú", "â", "ê", "ô", "lé", "rè", "sö", "nü", "må",
    "ña", "ço", "dø", "vá", "rí", "tó", "gú", "pâ", "fê", "cô", "ží", "ša", "ł", "ő", "ß"
]  # fmt: skip

# Tag vocabulary pieces (lower case, like most user tags).
TAG_ADJECTIVES = [
    "atmospheric", "bleak", "breezy", "cerebral", "chilling", "clever", "cozy", "cynical", "dreamy",
    "earnest", "eerie", "elegant", "epic", "gritty", "gloomy", "goofy", "haunting", "heartfelt",
    "hilarious", "intense", "ironic", "lush", "melancholic", "moody", "nostalgic", "offbeat", "playful",
    "poetic", "quirky", "raw", "satirical", "sentimental", "slick", "slow", "stylish", "surreal",
    "suspenseful", "tense", "thoughtful", "tragic", "uplifting", "violent", "whimsical", "witty", "absurd",
    "bittersweet", "brooding", "campy", "charming", "claustrophobic", "colorful", "confusing", "dense",
    "dark", "dry", "energetic", "entertaining", "fast", "gentle", "gorgeous", "grim", "heavy", "hopeful",
    "inventive", "lighthearted", "loud", "meandering", "minimal", "mysterious", "odd", "overrated",
    "paranoid", "pretentious", "quiet", "relaxing", "romantic", "sad", "scary", "silly", "smart", "snappy",
    "somber", "strange", "sweet", "tender", "trippy", "underrated", "weird"
]  # fmt: skip

TAG_NOUNS = [
    "ending", "soundtrack", "dialogue", "plot", "cinematography", "villain", "heist", "romance", "score",
    "pacing", "cast", "setting", "characters", "humor", "visuals", "story", "premise", "acting", "message",
    "twist", "finale", "opening", "montage", "monologue", "chase", "rivalry", "friendship", "family",
    "revenge", "betrayal", "redemption", "survival", "journey", "mystery", "investigation", "courtroom",
    "prison", "road", "trip", "war", "aftermath", "coming-of-age", "conspiracy", "corruption", "addiction",
    "obsession", "loneliness", "grief", "ambition", "greed", "jealousy", "loyalty", "identity", "memory",
    "dreams", "time", "travel", "robots", "aliens", "monsters", "ghosts", "zombies", "vampires", "spies",
    "assassins", "detectives", "gangsters", "cowboys", "pirates", "knights", "witches", "wizards", "heroes",
    "sidekicks"
]  # fmt: skip

TAG_SOURCES = ["a novel", "a play", "a comic", "a true story", "a video game", "a poem", "a song", "a legend"]
TAG_SETTINGS = [
    "space", "a prison", "a small town", "the suburbs", "the desert", "the future", "the past", "a hospital",
    "a school", "a ship", "the mountains", "an island", "the jungle", "a city at night", "the arctic",
    "a mansion", "a train", "a casino", "a hotel", "a lighthouse", "a circus", "a vineyard", "a submarine",
]  # fmt: skip
TAG_DECADES = ["1920s", "1930s", "1940s", "1950s", "1960s", "1970s", "1980s", "1990s", "2000s", "2010s"]

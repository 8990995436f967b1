"""A project spread over a package (for ``Registry.from_package``); marts imports from staging."""

"""tap-trello: a Singer tap for Trello, built with the Meltano Singer SDK."""

"""``python -m tap_trello`` runs the tap."""

from tap_trello.tap import main

main()

"""The emulator's own tests: Trello's semantics over HTTP, its model's edits."""

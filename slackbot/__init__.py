"""The Slack face of the SEND assistant (and the terminal chat that shares its handlers)."""

"""The Italian conversation layer: flows, free-text routing and the message catalogue."""

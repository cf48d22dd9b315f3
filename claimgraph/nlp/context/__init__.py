"""When, where and how many: time expressions (time), places (places) and counts (quantities), and the one of
each that goes with an event."""

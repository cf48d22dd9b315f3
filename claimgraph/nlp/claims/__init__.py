"""What is claimed: event and reporting triggers (triggers), who says so (frames), who did what to whom
(roles), the cues and stance of each proposition, and the statements built from them (statements)."""

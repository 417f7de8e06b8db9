"""`deescalate replay`: realistic threads through the real app, read back as an agent would."""

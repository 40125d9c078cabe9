"""The mapping: proposed automatically, reviewed and confirmed by a person, then locked."""

"""The stages that move records: load in dependency order, resume, and sample runs."""

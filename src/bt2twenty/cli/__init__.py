"""Command-line interface: one thin Typer command per library function."""

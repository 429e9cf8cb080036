"""Configuration that the notes keep in a `config` folder: the database connection."""

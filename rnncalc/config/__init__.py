"""What a layer may be: pydantic configs and the table of how recurrent families differ."""

"""Text and files into configs and model graphs: expressions, construction, Keras files."""

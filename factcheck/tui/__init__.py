"""The review screen (Textual). The only package that imports Textual."""

"""Server-rendered pages, one module per audience. Thin: parse the form, call the use case, render."""

"""HTML pages of the council workflows (thin: parse → query or service → render)."""

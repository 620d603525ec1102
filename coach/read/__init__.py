"""Readers: a saved web page or a PDF handout -> routine text.

Each reader turns its format into the plain, Markdown-shaped text the parser
already reads (``#`` headings, ``-`` and ``1.`` list items, paragraphs
separated by blank lines), keeping only the document's own content: page
navigation, scripts, forms and ads, or a PDF's running headers, footers and
page numbers, are dropped here. Readers raise ``RoutineError`` (no file
name; the loader adds it) and nothing else.
"""

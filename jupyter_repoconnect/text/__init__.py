"""What the two text surfaces share — ``jupyter repoconnect`` and ``%repo_connect``: the next
step after an error, reading a secret, and the text of every result.

Each function takes ``prog``, the command a user types (``jupyter repoconnect`` or
``%repo_connect``): both surfaces use the same subcommand grammar where they share commands.
Importing this package loads nothing from the core.
"""

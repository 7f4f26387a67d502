"""Stage 3, render: pages as strings, tiles, archives and images as bytes. Writes no file."""

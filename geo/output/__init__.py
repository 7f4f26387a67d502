"""Stage 4, output: the build pipeline and the only code that writes to the output folder."""

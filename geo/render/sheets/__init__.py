"""The print sheets: one SVG per map and width (layout, legend, marks, parts), and the PNG and
PDF made from it (images)."""

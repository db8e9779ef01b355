"""Developer tools that read the synthesized output; none of them imports cdktf."""

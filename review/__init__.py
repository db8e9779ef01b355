"""Change review: what a change of the catalog does to the cluster, before it reaches it.

``make diff`` synthesizes a base commit (in a git worktree, cached by commit) and the working
tree, renders both into the objects the cluster receives, and reports per stack and service what
is added, changed or removed, which changes replace or destroy a resource, and which of those
lose data. Nothing here needs cluster credentials or provider binaries.
"""

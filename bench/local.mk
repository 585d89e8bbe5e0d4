## bench/ — fragment of the non-recursive build.

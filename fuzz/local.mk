## fuzz/ — fragment of the non-recursive build.

## doc/ — fragment of the non-recursive build.

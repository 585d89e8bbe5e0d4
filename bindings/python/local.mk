## bindings/python/ — fragment of the non-recursive build.

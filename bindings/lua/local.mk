## bindings/lua/ — fragment of the non-recursive build.

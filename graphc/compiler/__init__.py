"""The compiler: graph -> Program -> optimized Program -> Executable."""

"""Models of published results and index runs arrive in the second wave."""

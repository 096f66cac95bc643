"""Tables, sessions and the domain operations on them. Imports no Flask, LINE or handlers."""

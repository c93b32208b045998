"""The application: commands, sweep, demo, worker loops, monitor and report, on top of the roles."""

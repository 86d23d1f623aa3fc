"""The corpus in the formats of other services: ``teipipe export`` (:mod:`.cmif`: correspSearch)."""

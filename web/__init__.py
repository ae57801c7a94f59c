"""PlanCycle's web layer: pages, login, and later the JSON API. Views call the engine's door only."""

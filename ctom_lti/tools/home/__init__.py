"""The role-aware home page: what you can do here and what is due."""

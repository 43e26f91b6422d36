"""A person's programme profile: the facts mentor pairing will match on."""

"""The synthetic fleet: fake government websites on loopback, with ground truth from their profiles.

- ``generate(n_sites, seed, as_of, rounds, pages_per_site=None)`` -> profiles (pucha.fleet.generate)
- ``Fleet`` serves them (pucha.fleet.server); ``truth.compute`` scores them from the profiles
- ``python -m pucha.fleet serve --out DIR ...`` or ``FleetProcess`` run it (pucha.fleet.runner)
"""
from pucha.fleet.generate import generate
from pucha.fleet.runner import FleetProcess

__all__ = ["generate", "FleetProcess"]

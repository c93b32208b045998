"""The synthetic fleet: fake government websites on loopback, with ground truth from their profiles.

- ``generate(n_sites, seed, as_of, rounds, pages_per_site=None)`` -> profiles (pucha_fleet.generate)
- ``Fleet`` serves them (pucha_fleet.server); ``truth.compute`` scores them from the profiles
- ``python -m pucha_fleet serve --out DIR ...`` or ``FleetProcess`` run it (pucha_fleet.runner)
"""
from pucha_fleet.generate import generate
from pucha_fleet.runner import FleetProcess

__all__ = ["generate", "FleetProcess"]

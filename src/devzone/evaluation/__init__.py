"""Evaluation and ranking (考核评价): the engine, the built-in schemes and the database-free CLI."""

"""State machines come from the core (read from the spec's `x-state-machine`)."""

from invoicexpress_core.machines import StateMachine, Transition

__all__ = ["StateMachine", "Transition"]

"""Dispatch and supervision (调度督办): problems with SLA and escalation, tasks, meetings, notifications."""

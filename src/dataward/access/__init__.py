"""The privileged-access register: remote sessions, backups, listens, CCTV, restricted views."""

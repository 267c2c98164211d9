#!/usr/bin/python3
# Runs a command under a systemd unit's SystemCallFilter= lines, with no new privileges, as systemd would (calls
# outside the list fail with EPERM, as SystemCallErrorNumber=EPERM asks). Needs python3-seccomp and systemd-analyze.
# Usage: scripts/under-syscall-filter.py UNIT_FILE -- COMMAND...
import errno, os, subprocess, sys
import seccomp

unit, command = sys.argv[1], sys.argv[sys.argv.index('--') + 1:]
groups, current = {}, None
for line in subprocess.run(['systemd-analyze', 'syscall-filter'], capture_output=True, text=True).stdout.splitlines():
    if line.startswith('@'):
        current = line.strip(); groups[current] = []
    elif line.strip() and not line.strip().startswith('#') and current:
        groups[current].append(line.strip())

def expand(name, seen=()):
    if not name.startswith('@'):
        return {name}
    out = set()
    for item in groups.get(name, []):
        if item not in seen:
            out |= expand(item, seen + (name,))
    return out

filters = [l.split('=', 1)[1].strip() for l in open(unit) if l.startswith('SystemCallFilter=')]
# In order, as systemd reads them: an allow list, then "~" lines take away and later lines add back.
allowed = set(expand('@default'))
for setting in filters:
    if setting.startswith('~'):
        for item in setting[1:].split(): allowed -= expand(item)
    else:
        for item in setting.split(): allowed |= expand(item)
syscall_filter = seccomp.SyscallFilter(defaction=seccomp.ERRNO(errno.EPERM))
for name in sorted(allowed):
    try:
        syscall_filter.add_rule(seccomp.ALLOW, name)
    except Exception:
        pass  # not a system call on this architecture
syscall_filter.set_attr(seccomp.Attr.CTL_NNP, 1)
syscall_filter.load()
os.execvp(command[0], command)

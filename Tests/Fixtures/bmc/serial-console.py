#!/usr/bin/env python3
"""A node's serial console for a simulated BMC's SOL: a pseudo-terminal in
raw mode whose device path is written to the file given as the argument;
it answers every chunk it receives with the chunk in capitals, in brackets."""
import os, select, sys, tty

master, slave = os.openpty()
tty.setraw(slave)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(os.ttyname(slave))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
while True:
    select.select([master], [], [])
    data = os.read(master, 1024)
    os.write(master, b"[" + data.strip().upper() + b"]\r\n")

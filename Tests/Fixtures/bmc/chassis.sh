#!/bin/sh
# The chassis of a simulated BMC (ipmi_sim's chassis_control): keeps the
# power and boot device of node $1 as files in directory $2.
#   chassis.sh NODE DIR get power boot   → power:0  boot:none
#   chassis.sh NODE DIR set power 1 ...
node=$1 dir=$2 op=$3
shift 3
mkdir -p "$dir"
if [ "$op" = get ]; then
  for key in "$@"; do
    if [ -f "$dir/$key" ]; then value=$(cat "$dir/$key"); elif [ "$key" = power ]; then value=0; else value=none; fi
    echo "$key:$value"
  done
else
  while [ $# -gt 1 ]; do
    echo "$2" > "$dir/$1"
    echo "$(date +%s.%N) $1 $2" >> "$dir/log"
    shift 2
  done
fi

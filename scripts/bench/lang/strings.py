import sys
def main(n):
    s = ""
    for i in range(n):
        s += f"node{i % 1000},"
    parts = s.split(",")
    print(len(s), len(parts))
main(int(sys.argv[1]))

import sys
def main(n):
    xs = []
    m = {}
    for i in range(n):
        xs.append(i * 2)
        m[f"k{i}"] = i
    total = 0
    for x in xs:
        total += x
    print(len(xs), len(m), total, m[f"k{n - 1}"])
main(int(sys.argv[1]))

def main():
    xs = []
    m = {}
    for i in range(100000):
        xs.append(i * 2)
        m[f"k{i}"] = i
    total = 0
    for x in xs:
        total += x
    print(len(xs), len(m), total, m["k99999"])
main()

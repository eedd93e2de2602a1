def main():
    s = ""
    for i in range(200000):
        s += f"node{i % 1000},"
    parts = s.split(",")
    print(len(s), len(parts))
main()

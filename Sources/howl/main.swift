print("howl")

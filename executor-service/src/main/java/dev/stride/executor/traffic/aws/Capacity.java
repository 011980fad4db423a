package dev.stride.executor.traffic.aws;

/** An Auto Scaling group's size, kept in a tag as {@code min/desired/max}. */
record Capacity(int min, int desired, int max) {

    static Capacity parse(String text) {
        if (text == null) {
            return null;
        }
        String[] parts = text.split("/");
        if (parts.length != 3) {
            return null;
        }
        try {
            return new Capacity(
                    Integer.parseInt(parts[0]),
                    Integer.parseInt(parts[1]),
                    Integer.parseInt(parts[2]));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return min + "/" + desired + "/" + max;
    }
}

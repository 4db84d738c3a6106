package org.hebb4j.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The encoder's output decodes (with the JDK's own PNG reader, test scope) to the same pixels. */
class PngTest {

  @Test
  void roundTripsThroughImageIo() throws Exception {
    int w = 37, h = 11;
    int[] rgb = new int[w * h];
    for (int i = 0; i < rgb.length; i++) {
      rgb[i] = (i * 2654435761L) > 0 ? (int) ((i * 2654435761L) & 0xffffff) : i;
    }
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(Png.encode(w, h, rgb)));
    assertEquals(w, img.getWidth());
    assertEquals(h, img.getHeight());
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        assertEquals(rgb[y * w + x] & 0xffffff, img.getRGB(x, y) & 0xffffff, x + "," + y);
      }
    }
  }
}
